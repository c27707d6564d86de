import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import type { TypePolicies } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { relayStylePagination } from "@apollo/client/utilities";
import generated from "./gql/possible-types.js";

/** Hex SHA-256 of a query text with the Web Crypto API (browsers, and Node 20 and later). */
export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Every connection field merges its pages into one cached list per value of the arguments that
// pick a different list (filters, order); first/after/last/before only page through it.
// Merged pages live in `edges`: select `edges { cursor node { ... } }` on lists you page through,
// since `nodes` holds the last page only.
export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      countries: relayStylePagination(["where", "orderBy"]),
      officials: relayStylePagination(["where", "orderBy"]),
      organisations: relayStylePagination(["where", "orderBy"]),
      meetings: relayStylePagination(["where", "orderBy"]),
      articles: relayStylePagination(["where", "orderBy"]),
      statements: relayStylePagination(["where", "orderBy"]),
      events: relayStylePagination(["where", "orderBy"]),
      // The audit trail of any node, also of one since removed: one list per id.
      history: relayStylePagination(["id"]),
      // node(id:) answers from the cache when the object is there, and asks the server if not.
      node: { read: (_, { args, toReference }) => toReference(String(args?.id)) },
    },
  },
  // Every type that implements Node (possibleTypes says which) is cached under its global id:
  // unique across types, and what node(id:) takes. Fetched without `id`, it stays in its parent.
  Node: { keyFields: (object) => (typeof object.id === "string" ? object.id : false) },
  // Each node's audit trail (`history`, newest first) is one list per node.
  Article: { fields: { history: relayStylePagination([]) } },
  Country: { fields: { history: relayStylePagination([]) } },
  Decision: { fields: { history: relayStylePagination([]) } },
  Event: { fields: { history: relayStylePagination([]) } },
  Meeting: {
    fields: {
      participants: relayStylePagination(["kind", "role"]),
      history: relayStylePagination([]),
    },
  },
  Official: { fields: { history: relayStylePagination([]) } },
  Organisation: {
    fields: {
      members: relayStylePagination(["role", "asOf", "certainty"]),
      history: relayStylePagination([]),
    },
  },
  Statement: { fields: { history: relayStylePagination([]) } },
};

/** An Apollo Client for diplograph: normalised cache, paged lists, automatic persisted queries. */
export function createApolloClient(uri: string, fetch?: typeof globalThis.fetch): ApolloClient {
  return new ApolloClient({
    cache: new InMemoryCache({
      // `node`, `nodes`, `search` and `connections` return interfaces (Node, Entity):
      // the cache needs to know which types implement them to match `... on Country`.
      possibleTypes: generated.possibleTypes,
      typePolicies,
    }),
    // Sends the query's hash first (as a GET, which HTTP caches can keep) and the text only when
    // the server answers PersistedQueryNotFound.
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
      new HttpLink({ uri, fetch }),
    ),
  });
}
