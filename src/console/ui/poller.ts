/**
 * Calls `tick` every `intervalMs` while the tab is visible (a hidden tab asks the server for
 * nothing), and once more as soon as it becomes visible again. `stop` ends it.
 */
export function poll(tick: () => void, intervalMs: number): { stop(): void } {
  const timer = setInterval(() => {
    if (document.visibilityState === "visible") tick();
  }, intervalMs);
  const onVisible = (): void => {
    if (document.visibilityState === "visible") tick();
  };
  document.addEventListener("visibilitychange", onVisible);
  return {
    stop() {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
