// Small builders for hono-openapi's describeRoute: request bodies, query parameters and responses
// are always given as the zod schemas the routes validate with (or answer with), so the document
// cannot drift from the code. Requests are described as accepted (zod "input": defaults make a
// field optional), responses as sent ("output").
import { z } from "zod";
import { resolver } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";

type Schema = z.ZodType;

const asInput = (schema: Schema) => resolver(schema, { options: { io: "input" } });
const asOutput = (schema: Schema) => resolver(schema, { options: { io: "output" } });

/** A required JSON request body. */
export function jsonRequest(schema: Schema, description?: string) {
  return { required: true, description, content: { "application/json": { schema: asInput(schema) } } };
}

/** A JSON response. */
export function jsonResponse(description: string, schema: Schema) {
  return { description, content: { "application/json": { schema: asOutput(schema) } } };
}

/** A Server-Sent Events response; `schema` is the JSON in each event's `data`. */
export function sseResponse(description: string, schema: Schema) {
  return { description, content: { "text/event-stream": { schema: asOutput(schema) } } };
}

/** One query parameter per field of a zod object, with its JSON Schema (as accepted). */
export function queryParameters(schema: z.ZodObject, descriptions: Record<string, string> = {}): OpenAPIV3_1.ParameterObject[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { $schema: _, ...json } = z.toJSONSchema(field as Schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
    const optional = (field as Schema).safeParse(undefined).success;
    const parameter: OpenAPIV3_1.ParameterObject = { in: "query", name, required: !optional, description: descriptions[name] };
    return { ...parameter, schema: json as OpenAPIV3_1.ParameterObject["schema"] };
  });
}

/** The `exp` and `sig` of a signed capability URL. */
export const signedUrlParameters: OpenAPIV3_1.ParameterObject[] = [
  { in: "query", name: "exp", required: true, description: "Expiry (unix seconds), as issued.", schema: { type: "string", pattern: "^\\d+$" } },
  { in: "query", name: "sig", required: true, description: "Signature, as issued.", schema: { type: "string" } },
];

export const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  apiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "An API key (`rf_…`)." },
  bearer: { type: "http", scheme: "bearer", description: "The same API key as `Authorization: Bearer <key>`." },
};
/** Either form of the key. */
export const API_KEY_SECURITY: OpenAPIV3_1.SecurityRequirementObject[] = [{ apiKey: [] }, { bearer: [] }];
