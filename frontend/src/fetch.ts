import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";

/** A GraphQL error as diplograph sends it; `extensions.code` says what went wrong. */
export interface GraphQLErrorBody {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A response that carried errors: the HTTP status and each error's code and message. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorBody[],
  ) {
    const codes = errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`);
    super(codes.join("; ") || `HTTP ${status} without a GraphQL body`);
  }
}

/** Sends one operation with plain fetch; the generated document types its variables and result. */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  token?: string,
): Promise<TResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      // The GraphQL-over-HTTP media type: request errors come back as 4xx with the codes.
      Accept: "application/graphql-response+json",
      // An API token (API_TOKENS on the server) gives this client a rate-limit budget of its own.
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TResult | null; errors?: GraphQLErrorBody[] };
  // Field errors can come with partial data; this example treats any error as a failure.
  if (body.errors?.length || body.data == null) {
    throw new GraphQLRequestError(response.status, body.errors ?? []);
  }
  return body.data;
}
