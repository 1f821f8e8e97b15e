import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours only on a terminal, never with NO_COLOR set (https://no-color.org), always with FORCE_COLOR. */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const disabled = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return pc.createColors(forced || (!disabled && Boolean(stream.isTTY) && env.TERM !== 'dumb'));
}
