// The prelude: a global-scope script evaluating to a function that takes the host bridge
// `{ limits, resolve(json) → Promise<string>, fatal(message), log(level, text), started() }`
// and returns `{ finalize(defaultExport) → Promise<string>, describeError(err) → string }`.
// It is trusted code sharing a realm with untrusted code; the host still re-checks everything
// it gets back (validate.ts), because the scene can tamper with whatever is left in the realm.
import { BASE } from "./base.ts";
import { METERING } from "./metering.ts";
import { SDK } from "./sdk.ts";
import { FINISH } from "./serialize.ts";

export const PRELUDE = `(function (host) {
"use strict";
${BASE}
${METERING}
${SDK}
${FINISH}
return { finalize, describeError };
})`;
