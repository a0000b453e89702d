// Request and response shapes of the one-time setup (/v1/setup).
import { z } from "zod";

export const SetupRequestSchema = z.object({
  setup_secret: z.string().min(1, "setup_secret is required"),
  account_name: z.string().trim().min(1).max(100).default("admin"),
});

export const SetupResultSchema = z.object({
  api_key: z.string(),
  account_id: z.string(),
  key_id: z.string(),
  account_name: z.string(),
});

export const SetupStatusSchema = z.object({
  /** A key can be created now. */
  enabled: z.boolean(),
  /** SETUP_SECRET is set on this deployment. */
  configured: z.boolean(),
});
