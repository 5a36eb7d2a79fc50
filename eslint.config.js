import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** What a process folder may never be imported from core/. */
const PROCESSES = ["**/app/*", "**/sync-server/*", "**/jobs/*", "~/*"];
const LOWER_LAYERS = { platform: [], identity: ["platform"], log: ["platform", "identity"] };
const DOMAINS = ["classes", "media", "studio", "interaction", "artifacts", "replay"];
/** The modules of a domain its siblings may import; everything else in it is its own. */
const ENTRIES = {
  classes: ["classPlace", "lifecycle", "idempotentWrite", "media"],
};

function coreLayers() {
  const layers = [...Object.keys(LOWER_LAYERS), ...DOMAINS];
  const blocks = [];
  for (const [layer, below] of Object.entries(LOWER_LAYERS)) {
    const above = layers.filter((l) => l !== layer && !below.includes(l));
    blocks.push({
      files: [`core/${layer}/**/*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              { group: PROCESSES, message: "core/ never imports a process folder." },
              {
                group: above.map((l) => `../${l}/*`),
                message: `core/${layer} may import only ${below.length ? below.join(", ") : "db/"} below it.`,
              },
            ],
          },
        ],
      },
    });
  }
  for (const domain of DOMAINS) {
    const patterns = [{ group: PROCESSES, message: "core/ never imports a process folder." }];
    for (const sibling of DOMAINS.filter((d) => d !== domain)) {
      const entries = ENTRIES[sibling] ?? [];
      patterns.push({
        group: [`../${sibling}/*`, ...entries.map((e) => `!../${sibling}/${e}`)],
        message: entries.length
          ? `Another domain's internals: import core/${sibling} only through ${entries.join(", ")}.`
          : `core/${sibling} has no entry for other domains; move what is shared down a layer or name an entry in eslint.config.js.`,
      });
    }
    blocks.push({
      files: [`core/${domain}/**/*.ts`],
      rules: { "no-restricted-imports": ["error", { patterns }] },
    });
  }
  return blocks;
}

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "public/build/",
      ".cache/",
      ".data/",
      "db/migrations/",
      "test-results/",
      "playwright-report/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // Dependencies point one way: app / sync-server / jobs -> core -> db.
    files: ["db/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["../core/*", "../app/*", "../sync-server/*", "../jobs/*", "~/*"] },
      ],
    },
  },
  // Inside core/, layers point down (platform <- identity <- log <- the domains), and a
  // domain reaches a sibling only through the sibling's entry modules (docs/decisions/012).
  ...coreLayers(),
  {
    files: ["scripts/**/*.ts", "bench/**/*.ts", "server.ts"],
    rules: { "no-console": "off" },
  },
);
