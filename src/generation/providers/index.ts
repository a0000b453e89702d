// The provider adapters by name, the public API each one calls by default (overridable per
// deployment, so local fakes can stand in), and the deployment secrets that hold their keys.
import type { ProviderAdapter } from "../types.ts";
import { falAdapter } from "./fal.ts";
import { replicateAdapter } from "./replicate.ts";
import { higgsfieldAdapter } from "./higgsfield.ts";
import { elevenlabsAdapter } from "./elevenlabs.ts";
import { openaiAdapter } from "./openai.ts";
import { googleAdapter } from "./google.ts";

export const ADAPTERS: Record<string, ProviderAdapter> = {
  fal: falAdapter,
  replicate: replicateAdapter,
  higgsfield: higgsfieldAdapter,
  elevenlabs: elevenlabsAdapter,
  openai: openaiAdapter,
  google: googleAdapter,
};

export type ProviderName = "fal" | "replicate" | "higgsfield" | "elevenlabs" | "openai" | "google";
export const PROVIDER_NAMES = Object.keys(ADAPTERS) as ProviderName[];

/** Base URLs of the real APIs, without a trailing slash. Each adapter appends its own paths. */
export const DEFAULT_BASE_URLS: Record<ProviderName, string> = {
  fal: "https://queue.fal.run",
  replicate: "https://api.replicate.com/v1",
  higgsfield: "https://platform.higgsfield.ai",
  elevenlabs: "https://api.elevenlabs.io/v1",
  openai: "https://api.openai.com/v1",
  google: "https://generativelanguage.googleapis.com/v1beta",
};

/** Deployment secrets that hold a provider key when the request brings none (first set wins). */
export const KEY_SECRETS: Record<ProviderName, string[]> = {
  fal: ["FAL_KEY", "FAL_API_KEY"],
  replicate: ["REPLICATE_API_TOKEN"],
  higgsfield: ["HIGGSFIELD_API_KEY"],
  elevenlabs: ["ELEVENLABS_API_KEY"],
  openai: ["OPENAI_API_KEY"],
  google: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
};

/** Variables that override the base URLs (e.g. FAL_BASE_URL=http://127.0.0.1:8790/fal). */
export const BASE_URL_VARS: Record<ProviderName, string> = {
  fal: "FAL_BASE_URL",
  replicate: "REPLICATE_BASE_URL",
  higgsfield: "HIGGSFIELD_BASE_URL",
  elevenlabs: "ELEVENLABS_BASE_URL",
  openai: "OPENAI_BASE_URL",
  google: "GOOGLE_BASE_URL",
};
