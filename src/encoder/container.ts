// The FFmpeg encoder Container (image: containers/encoder/Dockerfile).
import { Container } from "@cloudflare/containers";
import type { Env } from "../env.ts";
import { installLocalContainer } from "./local-container.ts";

export class Encoder extends Container<Env> {
  override defaultPort = 8080;
  // Segments of one render arrive within seconds of each other; keep the instance warm.
  override sleepAfter = "5m";

  constructor(ctx: DurableObjectState<{}>, env: Env) {
    installLocalContainer(ctx, env.ENCODER_LOCAL_ORIGIN);
    super(ctx, env);
  }
}
