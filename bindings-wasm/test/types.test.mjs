// The .d.ts files compile under strict TypeScript and type a consumer's code (types-check.ts).
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
test("the declarations type a strict consumer", () => {
  execFileSync("node_modules/.bin/tsc", ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--lib", "es2022,dom", "--skipLibCheck", "false", "test/types-check.ts"], { cwd: root, stdio: "inherit" });
});
