// At most one call per animation frame (setTimeout fallback where there are no frames, e.g. a hidden test DOM).
export function requestFrame(callback: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(() => callback());
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(callback, 16);
  return () => clearTimeout(id);
}

/** `callback` in the frame after the next one: after what the next frame draws (a render queued for it) is drawn. */
export function afterNextFrame(callback: () => void): () => void {
  let cancel = requestFrame(() => (cancel = requestFrame(callback)));
  return () => cancel();
}
