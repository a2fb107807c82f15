import { useEffect, useState } from "react";

/** The time now, refreshed every `period` ms, so that clocks count down. */
export function useNow(period = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), period);
    return () => clearInterval(timer);
  }, [period]);
  return now;
}
