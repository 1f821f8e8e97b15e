/** One file as a platform received it: enough to check it is the right one, without keeping it. */
export interface ReceivedMedia {
  type: string;
  bytes: number;
  sha256: string;
  alt?: string;
  /** Where the platform fetched it from, for pulled media. */
  url?: string;
}

/** A post as the platform received it, for tests and for `/__sandbox/posts`. */
export interface PublishedPost {
  platform: string;
  id: string;
  /** What it became on the platform: "feed post", "photo", "tweet", "reel", "video", "photo post", … */
  kind: string;
  account: string;
  text?: string;
  title?: string;
  localizations?: Record<string, { title?: string; description?: string }>;
  defaultLanguage?: string;
  tags?: string[];
  link?: string;
  media: ReceivedMedia[];
  /** A custom thumbnail (YouTube). */
  thumbnail?: ReceivedMedia;
  /** The post this one replies to (X threads). */
  replyTo?: string;
  published: boolean;
  /** When a scheduled post goes public, ISO 8601. */
  scheduledAt?: string;
  privacy?: string;
  createdAt: string;
  permalink?: string;
}

export class Records {
  private readonly posts: PublishedPost[] = [];

  add(post: PublishedPost): PublishedPost {
    this.posts.push(post);
    return post;
  }

  list(platform?: string): PublishedPost[] {
    return this.posts.filter((post) => !platform || post.platform === platform);
  }

  find(platform: string, id: string): PublishedPost | undefined {
    return this.posts.find((post) => post.platform === platform && post.id === id);
  }

  remove(platform: string, id: string): boolean {
    const index = this.posts.findIndex((post) => post.platform === platform && post.id === id);
    if (index >= 0) this.posts.splice(index, 1);
    return index >= 0;
  }

  clear(): void {
    this.posts.length = 0;
  }
}
