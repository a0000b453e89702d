// The bundled font files, by file name: imported from the pinned @fontsource packages as Data
// modules (wrangler.toml [[rules]] for *.woff2), so they ship inside the Worker bundle and are
// the same bytes locally, in tests and deployed (README "Fonts" says why the bundle).
// Must list exactly the files of ./font-table.ts (test/worker/fonts.test.ts checks).
import inter400 from "@fontsource/inter/files/inter-latin-400-normal.woff2";
import inter700 from "@fontsource/inter/files/inter-latin-700-normal.woff2";
import inter900 from "@fontsource/inter/files/inter-latin-900-normal.woff2";
import montserrat400 from "@fontsource/montserrat/files/montserrat-latin-400-normal.woff2";
import montserrat700 from "@fontsource/montserrat/files/montserrat-latin-700-normal.woff2";
import montserrat900 from "@fontsource/montserrat/files/montserrat-latin-900-normal.woff2";
import outfit400 from "@fontsource/outfit/files/outfit-latin-400-normal.woff2";
import outfit700 from "@fontsource/outfit/files/outfit-latin-700-normal.woff2";
import outfit900 from "@fontsource/outfit/files/outfit-latin-900-normal.woff2";
import nunito400 from "@fontsource/nunito/files/nunito-latin-400-normal.woff2";
import nunito700 from "@fontsource/nunito/files/nunito-latin-700-normal.woff2";
import nunito900 from "@fontsource/nunito/files/nunito-latin-900-normal.woff2";
import oswald400 from "@fontsource/oswald/files/oswald-latin-400-normal.woff2";
import oswald700 from "@fontsource/oswald/files/oswald-latin-700-normal.woff2";
import leagueGothic400 from "@fontsource/league-gothic/files/league-gothic-latin-400-normal.woff2";
import archivoBlack400 from "@fontsource/archivo-black/files/archivo-black-latin-400-normal.woff2";
import spaceMono400 from "@fontsource/space-mono/files/space-mono-latin-400-normal.woff2";
import spaceMono700 from "@fontsource/space-mono/files/space-mono-latin-700-normal.woff2";
import ibmPlexMono400 from "@fontsource/ibm-plex-mono/files/ibm-plex-mono-latin-400-normal.woff2";
import ibmPlexMono700 from "@fontsource/ibm-plex-mono/files/ibm-plex-mono-latin-700-normal.woff2";
import jetbrainsMono400 from "@fontsource/jetbrains-mono/files/jetbrains-mono-latin-400-normal.woff2";
import jetbrainsMono700 from "@fontsource/jetbrains-mono/files/jetbrains-mono-latin-700-normal.woff2";
import ebGaramond400 from "@fontsource/eb-garamond/files/eb-garamond-latin-400-normal.woff2";
import ebGaramond700 from "@fontsource/eb-garamond/files/eb-garamond-latin-700-normal.woff2";
import playfairDisplay400 from "@fontsource/playfair-display/files/playfair-display-latin-400-normal.woff2";
import playfairDisplay700 from "@fontsource/playfair-display/files/playfair-display-latin-700-normal.woff2";
import playfairDisplay900 from "@fontsource/playfair-display/files/playfair-display-latin-900-normal.woff2";
import sourceCodePro400 from "@fontsource/source-code-pro/files/source-code-pro-latin-400-normal.woff2";
import sourceCodePro700 from "@fontsource/source-code-pro/files/source-code-pro-latin-700-normal.woff2";
import notoSansJp400 from "@fontsource/noto-sans-jp/files/noto-sans-jp-latin-400-normal.woff2";
import notoSansJp700 from "@fontsource/noto-sans-jp/files/noto-sans-jp-latin-700-normal.woff2";
import roboto400 from "@fontsource/roboto/files/roboto-latin-400-normal.woff2";
import roboto700 from "@fontsource/roboto/files/roboto-latin-700-normal.woff2";
import roboto900 from "@fontsource/roboto/files/roboto-latin-900-normal.woff2";
import openSans400 from "@fontsource/open-sans/files/open-sans-latin-400-normal.woff2";
import openSans700 from "@fontsource/open-sans/files/open-sans-latin-700-normal.woff2";
import lato400 from "@fontsource/lato/files/lato-latin-400-normal.woff2";
import lato700 from "@fontsource/lato/files/lato-latin-700-normal.woff2";
import lato900 from "@fontsource/lato/files/lato-latin-900-normal.woff2";
import poppins400 from "@fontsource/poppins/files/poppins-latin-400-normal.woff2";
import poppins700 from "@fontsource/poppins/files/poppins-latin-700-normal.woff2";
import poppins900 from "@fontsource/poppins/files/poppins-latin-900-normal.woff2";

export const FONT_FILES: Readonly<Record<string, ArrayBuffer>> = {
  "inter-latin-400-normal.woff2": inter400,
  "inter-latin-700-normal.woff2": inter700,
  "inter-latin-900-normal.woff2": inter900,
  "montserrat-latin-400-normal.woff2": montserrat400,
  "montserrat-latin-700-normal.woff2": montserrat700,
  "montserrat-latin-900-normal.woff2": montserrat900,
  "outfit-latin-400-normal.woff2": outfit400,
  "outfit-latin-700-normal.woff2": outfit700,
  "outfit-latin-900-normal.woff2": outfit900,
  "nunito-latin-400-normal.woff2": nunito400,
  "nunito-latin-700-normal.woff2": nunito700,
  "nunito-latin-900-normal.woff2": nunito900,
  "oswald-latin-400-normal.woff2": oswald400,
  "oswald-latin-700-normal.woff2": oswald700,
  "league-gothic-latin-400-normal.woff2": leagueGothic400,
  "archivo-black-latin-400-normal.woff2": archivoBlack400,
  "space-mono-latin-400-normal.woff2": spaceMono400,
  "space-mono-latin-700-normal.woff2": spaceMono700,
  "ibm-plex-mono-latin-400-normal.woff2": ibmPlexMono400,
  "ibm-plex-mono-latin-700-normal.woff2": ibmPlexMono700,
  "jetbrains-mono-latin-400-normal.woff2": jetbrainsMono400,
  "jetbrains-mono-latin-700-normal.woff2": jetbrainsMono700,
  "eb-garamond-latin-400-normal.woff2": ebGaramond400,
  "eb-garamond-latin-700-normal.woff2": ebGaramond700,
  "playfair-display-latin-400-normal.woff2": playfairDisplay400,
  "playfair-display-latin-700-normal.woff2": playfairDisplay700,
  "playfair-display-latin-900-normal.woff2": playfairDisplay900,
  "source-code-pro-latin-400-normal.woff2": sourceCodePro400,
  "source-code-pro-latin-700-normal.woff2": sourceCodePro700,
  "noto-sans-jp-latin-400-normal.woff2": notoSansJp400,
  "noto-sans-jp-latin-700-normal.woff2": notoSansJp700,
  "roboto-latin-400-normal.woff2": roboto400,
  "roboto-latin-700-normal.woff2": roboto700,
  "roboto-latin-900-normal.woff2": roboto900,
  "open-sans-latin-400-normal.woff2": openSans400,
  "open-sans-latin-700-normal.woff2": openSans700,
  "lato-latin-400-normal.woff2": lato400,
  "lato-latin-700-normal.woff2": lato700,
  "lato-latin-900-normal.woff2": lato900,
  "poppins-latin-400-normal.woff2": poppins400,
  "poppins-latin-700-normal.woff2": poppins700,
  "poppins-latin-900-normal.woff2": poppins900,
};
