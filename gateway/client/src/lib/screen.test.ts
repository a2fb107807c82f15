import { createElement, Suspense } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { screen } from "./screen";

const Hello = ({ name }: { name: string }) => createElement("p", null, `Hello ${name}`);
const inSuspense = (element: ReturnType<typeof createElement>) =>
  renderToString(createElement(Suspense, { fallback: createElement("p", null, "waiting") }, element));

describe("screen", () => {
  it("suspends while its code has not arrived", () => {
    const Greeting = screen(() => new Promise<{ default: typeof Hello }>(() => undefined));
    expect(inSuspense(createElement(Greeting, { name: "Ada" }))).toContain("waiting");
  });

  it("renders at once, without the fallback, once preloaded", async () => {
    let loads = 0;
    const Greeting = screen(async () => { loads += 1; return { default: Hello }; });
    await Greeting.preload();
    await Greeting.preload();
    expect(inSuspense(createElement(Greeting, { name: "Ada" }))).toContain("Hello Ada");
    expect(loads).toBe(1);
  });
});
