import type { CodegenConfig } from "@graphql-codegen/cli";

// The example queries the server also offers in GraphiQL: one place to change if they move.
const examples = "../api/examples/*.graphql";

const config: CodegenConfig = {
  // The checked-in SDL, so that generating types needs no running server.
  schema: "../schema.graphql",
  // The examples, plus every graphql(`...`) call in the app's own code.
  documents: [examples, "src/**/*.ts", "!src/gql/**"],
  // ESM needs explicit extensions in relative imports (tsconfig: "module": "nodenext").
  importExtension: ".js",
  generates: {
    "src/gql/": {
      preset: "client",
      config: {
        // Custom scalars on the wire: Date "YYYY", "YYYY-MM" or "YYYY-MM-DD"; DateTime an ISO 8601
        // timestamp; JSON a stored document (the audit trail's `before` and `after`).
        scalars: { Date: "string", DateTime: "string", JSON: "unknown" },
        // A scalar added to the schema without a mapping here fails codegen (it would be `any`).
        strictScalars: true,
        useTypeImports: true,
      },
    },
    // Which types implement Node and Entity, for Apollo's cache (InMemoryCache possibleTypes).
    "src/gql/possible-types.ts": {
      plugins: ["fragment-matcher"],
      config: { useExplicitTyping: true },
    },
  },
};

export default config;
