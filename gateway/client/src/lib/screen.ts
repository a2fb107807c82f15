// A screen whose code is its own chunk, which can be fetched before it is first shown.
//
// React.lazy suspends on its first render even when the chunk has already arrived (it only
// learns so from its own import's promise), and React 19 then holds the screen back for up
// to 300 ms after showing the fallback. A screen preloaded while the session was checked
// renders at once instead: it is its module's component from the start.
import { createElement, lazy, useState, type ComponentType } from "react";

type Module<P> = { default: ComponentType<P> };

export type Screen<P> = ComponentType<P> & { preload: () => Promise<unknown> };

export function screen<P extends object>(load: () => Promise<Module<P>>): Screen<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<Module<P>> | undefined;
  const preload = () => {
    loading ??= load().then((module) => { loaded = module.default; return module; });
    return loading;
  };
  const Lazy = lazy(preload);
  function Screen(props: P) {
    // Chosen once per mount: switching component types later would remount the screen.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? (Lazy as ComponentType<P>));
    return createElement(Component, props);
  }
  return Object.assign(Screen, { preload });
}
