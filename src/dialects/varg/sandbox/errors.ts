// The one error the sandbox throws for bad code. Its message is meant for the API's
// `400 Invalid render code` details; line/column point into the submitted source (1-based).

export interface SandboxErrorDetails {
  message: string;
  line?: number;
  column?: number;
}

export class SandboxError extends Error {
  override name = "SandboxError";
  readonly line?: number;
  readonly column?: number;

  constructor(message: string, where: { line?: number; column?: number } = {}) {
    super(message);
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }

  toJSON(): SandboxErrorDetails {
    const out: SandboxErrorDetails = { message: this.message };
    if (this.line !== undefined) out.line = this.line;
    if (this.column !== undefined) out.column = this.column;
    return out;
  }
}

/** The message with where it happened in front, e.g. `line 3, column 5: syntax error: …`. */
export function locatedMessage(err: SandboxError): string {
  return err.line !== undefined ? `line ${err.line}, column ${err.column ?? 1}: ${err.message}` : err.message;
}
