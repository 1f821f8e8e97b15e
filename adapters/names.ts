/** Every platform ip-post knows, in the order previews list them. Adding a platform adds its name here. */
export const platformNames = ['facebook', 'instagram', 'x', 'youtube', 'tiktok'] as const;
export type PlatformName = (typeof platformNames)[number];

export function isPlatformName(name: string): name is PlatformName {
  return (platformNames as readonly string[]).includes(name);
}
