// A typed client of the MedMsg HTTP API: the types are generated from docs/openapi.json by
// openapi-typescript (src/schema.d.ts, `npm run generate`), the calls are made by openapi-fetch.
import createClient, { type Client } from "openapi-fetch";

import type { components, paths } from "./schema";

export type { components, operations, paths } from "./schema";

/** The objects of API.md section 2, as the API answers them. */
export type Message = components["schemas"]["Message"];
export type Session = components["schemas"]["Session"];
export type Doctor = components["schemas"]["Doctor"];
/** Every error answer: a non-zero code, data null, msg saying what was wrong. */
export type ErrorEnvelope = components["schemas"]["ErrorEnvelope"];

/**
 * A client of one MedMsg server. The token (issued by the hospital's identity system) is sent in
 * the Authorization header; a browser page of another origin needs that origin in the server's
 * medmsg.cors.allowed-origins.
 */
export function createMedMsgClient(baseUrl: string, token?: string): Client<paths> {
  return createClient<paths>({
    baseUrl,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}
