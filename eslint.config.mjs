// Lint of the map's browser scripts (geo/webmap/*.js): `npx --no-install eslint geo/webmap`.
import js from "@eslint/js";
import globals from "globals";

const NOT_AS_HTML = "Put text in the page as text (textContent, text nodes), never as HTML.";

export default [
  js.configs.recommended,
  {
    files: ["geo/webmap/**/*.js"],
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: {
      ecmaVersion: 2022,
      // Plain scripts, loaded by <script> one after the other (no bundler, no modules).
      sourceType: "script",
      globals: {
        ...globals.browser,
        L: "readonly",
        topojson: "readonly",
        ZonageCommunes: "readonly",
      },
    },
    rules: {
      eqeqeq: "error",
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used" }],
      "no-shadow": "error",
      "no-restricted-properties": [
        "error",
        { property: "innerHTML", message: NOT_AS_HTML },
        { property: "outerHTML", message: NOT_AS_HTML },
      ],
      "no-restricted-syntax": [
        "error",
        {
          // Leaflet's private members change without notice between versions.
          selector: "MemberExpression[property.name=/^_[a-z]/]",
          message: "Leaflet private member: use its public API.",
        },
        {
          selector: "MemberExpression[computed=true][property.value=/^_[a-z]/]",
          message: "Leaflet private member: use its public API.",
        },
        {
          selector: "CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]",
          message: NOT_AS_HTML,
        },
      ],
    },
  },
];
