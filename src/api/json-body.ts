// Reads a JSON body and validates it with a zod schema, answering the error envelope.
import type { z } from "zod";
import { DomainError, fromZodError } from "../core/errors.ts";

export async function jsonBody<S extends z.ZodType>(req: Request, schema: S, optional = false): Promise<z.infer<S>> {
  const text = await req.text();
  let value: unknown = {};
  if (text.trim() || !optional) {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new DomainError("invalid", "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}
