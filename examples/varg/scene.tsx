// A varg scene that uses only the media bundled next to it. `npm start` serves this folder at
// http://127.0.0.1:8789/ (the API port + 2) and renders it through POST /api/render.
import { Render, Clip, Image, Music, Title } from "vargai/react";

const media = "http://127.0.0.1:8789/media";

export default (
  <Render width={540} height={960} fps={30}>
    <Music src={`${media}/music.mp3`} volume={0.4} />
    {/* A clip's transition leads into the next clip (as in the varg SDK). */}
    <Clip duration={2} transition={{ name: "fade", duration: 0.5 }}>
      <Image src={`${media}/scene-1.jpg`} zoom="in" />
      <Title position="top">reelflare</Title>
    </Clip>
    <Clip duration={2} transition={{ name: "wipeleft", duration: 0.5 }}>
      <Image src={`${media}/scene-2.jpg`} zoom="left" />
    </Clip>
    <Clip duration={2} transition={{ name: "circleopen", duration: 0.5 }}>
      <Image src={`${media}/scene-3.jpg`} />
      <Title position="center">TSX in, video out</Title>
    </Clip>
    <Clip duration={2}>
      <Image src={`${media}/scene-4.jpg`} zoom="out" />
    </Clip>
  </Render>
);
