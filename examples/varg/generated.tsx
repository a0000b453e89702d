// Rendered by `FAKE_PROVIDERS=1 npm start` against the local provider stand-ins (no keys, no
// network): with real keys in providerKeys (or FAL_KEY / ELEVENLABS_API_KEY on the deployment)
// the same code calls fal and ElevenLabs. The fakes paint each image in the #colour its prompt
// names and speak each word as a short tone.
import { Render, Clip, Image, Video, Speech, Captions, Title } from "vargai/react";
import { fal, elevenlabs } from "vargai/ai";

const poster = Image({ prompt: "a bold orange poster #f97316", model: fal.imageModel("flux-schnell"), aspectRatio: "16:9" });
const voice = Speech({
  model: elevenlabs.speechModel("eleven_multilingual_v2"),
  voice: "rachel",
  children: "Prompts become pictures, motion and a voice",
});

export default (
  <Render width={640} height={360} fps={30}>
    <Clip duration={2} transition={{ name: "fade", duration: 0.5 }}>
      {poster}
      <Title position="top">Generated offline</Title>
    </Clip>
    <Clip duration={2}>
      <Image prompt="a calm teal sea #0d9488" zoom="in" />
    </Clip>
    <Clip duration={2}>
      <Video prompt={{ text: "the poster comes alive #f97316", images: [poster] }} model={fal.videoModel("kling-v3")} />
    </Clip>
    <Captions src={voice} style="tiktok" color="#ffffff" activeColor="#facc15" withAudio />
  </Render>
);
