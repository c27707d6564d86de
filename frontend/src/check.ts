/**
 * Checks the typed clients of docs/frontend.md against a live diplograph server:
 *
 *   node dist/check.js http://127.0.0.1:8000/graphql
 *
 * The type policies are checked against schema.graphql; then, over HTTP: the NAC+4 example
 * query with plain fetch, every country paged through with cursors (plain fetch, then Apollo
 * Client's cache), a CORS preflight from a dev server's origin, and an automatic persisted
 * query round trip (by hand, then through Apollo's link). Exits non-zero on the first mismatch.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import {
  Kind,
  buildSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  print,
} from "graphql";
import { createApolloClient, sha256, typePolicies } from "./apollo.js";
import { request } from "./fetch.js";
import { graphql } from "./gql/index.js";
import { NacPlus4AttendeesDocument, NatoAsiaPacificPartnersDocument } from "./gql/graphql.js";
import type { CountriesPageQuery, NacPlus4AttendeesQuery } from "./gql/graphql.js";

type Participation = NonNullable<NacPlus4AttendeesQuery["meeting"]>["countries"]["nodes"][number];

const CountriesPage = graphql(`
  query CountriesPage($first: Int!, $after: String) {
    countries(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          code
          name
        }
      }
    }
  }
`);

const CountryNode = graphql(`
  query CountryNode($id: ID!) {
    node(id: $id) {
      id
      ... on Country {
        code
        name
      }
    }
  }
`);

const PAGE_SIZE = 100;
const NAC_PLUS_4_COUNTRIES = 36;
// The origin `DIPLOGRAPH_CORS_ALLOW_ORIGINS` allows in docs/frontend.md (Vite's dev server).
const DEV_ORIGIN = "http://localhost:5173";
const SCHEMA_FILE = new URL("../../schema.graphql", import.meta.url);
const PAGING_ARGUMENTS = new Set(["first", "after", "last", "before"]);

/** Every connection field in the schema has a pagination policy keyed on its other arguments. */
function checkTypePolicies(): void {
  const schema = buildSchema(readFileSync(SCHEMA_FILE, "utf8"));
  assert.ok(isInterfaceType(schema.getType("Node")), "schema.graphql has no Node interface");
  assert.ok(typePolicies.Node?.keyFields, "Node types need keyFields");
  let connections = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const policy = typePolicies[type.name];
    for (const field of Object.values(type.getFields())) {
      if (!getNamedType(field.type).name.endsWith("Connection")) continue;
      connections += 1;
      const keyArgs = field.args.map((a) => a.name).filter((n) => !PAGING_ARGUMENTS.has(n));
      const fieldPolicy = policy?.fields?.[field.name];
      assert.ok(
        typeof fieldPolicy === "object" && "keyArgs" in fieldPolicy,
        `${type.name}.${field.name} is a connection without relayStylePagination`,
      );
      assert.deepEqual(fieldPolicy.keyArgs, keyArgs, `${type.name}.${field.name} keyArgs`);
    }
  }
  console.log(`type policies: all ${connections} connection fields of schema.graphql paginated`);
}

async function checkNacPlus4(url: string): Promise<void> {
  const data = await request(url, NacPlus4AttendeesDocument);
  assert.ok(data.meeting, "no NAC+4 meeting");
  const { countries, officials } = data.meeting;
  const codeOf = (p: Participation) =>
    p.participant && "code" in p.participant ? p.participant.code : null;
  const codes = countries.nodes.map(codeOf);
  assert.equal(countries.totalCount, NAC_PLUS_4_COUNTRIES);
  assert.equal(new Set(codes.filter((c) => c !== null)).size, NAC_PLUS_4_COUNTRIES);
  const roles = new Map<string, number>();
  for (const p of countries.nodes) roles.set(p.role, (roles.get(p.role) ?? 0) + 1);
  const roleOf = (code: string) => countries.nodes.find((p) => codeOf(p) === code)?.role;
  assert.equal(roleOf("FI"), "INVITEE");
  assert.equal(roleOf("SE"), "INVITEE");
  // A Date is a string on the wire ("YYYY", "YYYY-MM" or "YYYY-MM-DD"), as codegen.ts maps it.
  const day: string | undefined = data.meeting.date?.value;
  assert.equal(day, "2022-09-27");
  const names = officials.nodes.map((p) => p.participant?.name);
  assert.ok(names.includes("Kim Gunn"), `officials: ${names.join(", ")}`);
  const tally = [...roles].map(([role, n]) => `${n} ${role}`).join(", ");
  console.log(`NAC+4 (fetch): ${codes.length} countries (${tally}); officials: ${names.join(", ")}`);
}

async function checkPagingWithFetch(url: string): Promise<void> {
  const codes: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let total = -1;
  for (;;) {
    const { countries }: CountriesPageQuery = await request(url, CountriesPage, {
      first: PAGE_SIZE,
      after,
    });
    pages += 1;
    total = countries.totalCount;
    codes.push(...countries.edges.map((e) => e.node.code));
    if (!countries.pageInfo.hasNextPage) break;
    assert.ok(countries.pageInfo.endCursor, "hasNextPage without an endCursor");
    after = countries.pageInfo.endCursor;
  }
  assert.equal(codes.length, total, "countries collected differ from totalCount");
  assert.equal(new Set(codes).size, codes.length, "a country came twice");
  assert.equal(pages, Math.ceil(total / PAGE_SIZE));
  console.log(`countries (fetch): ${codes.length} of totalCount ${total} in ${pages} pages, no duplicates`);
}

async function checkPagingWithApollo(url: string): Promise<void> {
  let requests = 0;
  const client = createApolloClient(url, (input, init) => {
    requests += 1;
    return fetch(input, init);
  });
  const variables = { first: PAGE_SIZE };
  let page = (await client.query({ query: CountriesPage, variables })).data?.countries;
  // fetchMore belongs to a watched query; this one is answered from the cache, not the server.
  const query = client.watchQuery({ query: CountriesPage, variables });
  const subscription = query.subscribe(() => {});
  try {
    let pages = 1;
    while (page?.pageInfo.hasNextPage) {
      const more = await query.fetchMore({ variables: { after: page.pageInfo.endCursor } });
      page = more.data?.countries;
      pages += 1;
    }
    // What the app renders: the cache's one list, every page merged by relayStylePagination.
    const countries = client.readQuery({ query: CountriesPage, variables })?.countries;
    assert.ok(countries, "Apollo's cache has no countries");
    const ids = countries.edges.map((e) => e.node.id);
    assert.equal(ids.length, countries.totalCount, "merged list differs from totalCount");
    assert.equal(new Set(ids).size, ids.length, "the merged list has a duplicate");
    // The Node policy and the node(id:) read function: a country from the list, by its global
    // id, straight from the cache.
    const sent = requests;
    const first = countries.edges[0]?.node;
    assert.ok(first);
    const cached = await client.query({
      query: CountryNode,
      variables: { id: first.id },
      fetchPolicy: "cache-only",
    });
    assert.deepEqual(cached.data?.node, first);
    assert.equal(requests, sent);
    console.log(
      `countries (Apollo cache): ${ids.length} of totalCount ${countries.totalCount} merged ` +
        `from ${pages} pages in ${requests} requests, no duplicates; ` +
        `node(id: "${first.id}") answered from the cache`,
    );
  } finally {
    subscription.unsubscribe();
    client.stop();
  }
}

async function checkCorsPreflight(url: string): Promise<void> {
  const response = await fetch(url, {
    method: "OPTIONS",
    headers: {
      Origin: DEV_ORIGIN,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type",
    },
  });
  assert.equal(response.status, 200, `preflight from ${DEV_ORIGIN}`);
  assert.equal(response.headers.get("access-control-allow-origin"), DEV_ORIGIN);
  console.log(`CORS: preflight from ${DEV_ORIGIN} allowed`);
}

/**
 * The document with one more field, `run_<random>: __typename`: a text, and so a hash, that the
 * server has not seen, however often the check runs against it.
 */
function unseen<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
): TypedDocumentNode<TResult, TVariables> {
  const [operation, ...rest] = document.definitions;
  assert.ok(operation?.kind === Kind.OPERATION_DEFINITION, "expected an operation first");
  const nonce = {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: `run_${randomUUID().replaceAll("-", "")}` },
    name: { kind: Kind.NAME, value: "__typename" },
  } as const;
  const selectionSet = {
    ...operation.selectionSet,
    selections: [...operation.selectionSet.selections, nonce],
  };
  return { ...document, definitions: [{ ...operation, selectionSet }, ...rest] };
}

interface ApqBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Apollo's APQ protocol by hand: hash only (unknown), hash and text, then hash only (known). */
async function checkPersistedQueryProtocol(url: string): Promise<void> {
  const query = print(unseen(CountriesPage));
  const variables = { first: 3 };
  const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256(query) } };
  const hashOnly = new URL(url);
  hashOnly.searchParams.set("variables", JSON.stringify(variables));
  hashOnly.searchParams.set("extensions", JSON.stringify(extensions));
  const get = async () => {
    const response = await fetch(hashOnly, { headers: { Accept: "application/json" } });
    return { status: response.status, body: (await response.json()) as ApqBody };
  };

  const miss = await get();
  assert.equal(miss.status, 200);
  assert.equal(miss.body.errors?.[0]?.message, "PersistedQueryNotFound");
  assert.equal(miss.body.errors?.[0]?.extensions?.code, "PERSISTED_QUERY_NOT_FOUND");

  const register = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables, extensions }),
  });
  const registered = (await register.json()) as ApqBody;
  assert.equal(register.status, 200);
  assert.equal(registered.errors, undefined);

  const hit = await get();
  assert.equal(hit.status, 200);
  assert.deepEqual(hit.body.data, registered.data);
  console.log(
    "APQ (by hand): GET hash only -> PERSISTED_QUERY_NOT_FOUND; POST hash + query -> data; " +
      "GET hash only -> the same data",
  );
}

/** The same round trip through Apollo's PersistedQueryLink, as docs/frontend.md sets it up. */
async function checkPersistedQueryLink(url: string): Promise<void> {
  const sent: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { query?: string }) : {};
    const target = new URL(input instanceof Request ? input.url : input.toString());
    const hasQuery = method === "GET" ? target.searchParams.has("query") : "query" in body;
    sent.push(`${method} ${hasQuery ? "hash + query" : "hash only"}`);
    return fetch(input, init);
  };
  const document = unseen(NatoAsiaPacificPartnersDocument);
  for (const round of [1, 2]) {
    // A new client each round: an empty cache, so the second round goes to the server too.
    const client = createApolloClient(url, recording);
    const { data } = await client.query({ query: document });
    const codes = data?.organisation?.members.nodes.map((m) =>
      m.member && "code" in m.member ? m.member.code : null,
    );
    assert.deepEqual(codes?.sort(), ["AU", "JP", "KR", "NZ"], `round ${round}`);
    client.stop();
  }
  assert.deepEqual(sent, ["GET hash only", "POST hash + query", "GET hash only"]);
  console.log(`APQ (Apollo link): ${sent.join(" -> ")}`);
}

async function main(url: string | undefined): Promise<void> {
  if (!url) {
    console.error("usage: node dist/check.js http://127.0.0.1:8000/graphql");
    process.exit(2);
  }
  checkTypePolicies();
  await checkNacPlus4(url);
  await checkPagingWithFetch(url);
  await checkPagingWithApollo(url);
  await checkCorsPreflight(url);
  await checkPersistedQueryProtocol(url);
  await checkPersistedQueryLink(url);
  console.log("all client checks passed");
}

await main(process.argv[2]);
