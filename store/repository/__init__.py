"""Repository functions: the only code that sends queries to MongoDB.

Resolvers and DataLoaders call these; none of them builds a MongoDB query itself.
"""
