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
  /** When a scheduled post goes public, ISO 8601; it stays once the sandbox's clock has reached it and `published` turned true. */
  scheduledAt?: string;
  privacy?: string;
  createdAt: string;
  permalink?: string;
}

export class Records {
  private readonly posts: PublishedPost[] = [];
  private readonly publishers = new Map<string, (post: PublishedPost) => void>();

  /** `now` is the sandbox's clock, which scheduled posts go public by. */
  constructor(private readonly now: () => number = Date.now) {}

  add(post: PublishedPost): PublishedPost {
    this.posts.push(post);
    return post;
  }

  /** What else changes on a platform when one of its scheduled posts goes public (YouTube's privacy, say). */
  onScheduledPublish(platform: string, publish: (post: PublishedPost) => void): void {
    this.publishers.set(platform, publish);
  }

  /**
   * Native scheduling: an unpublished post with `scheduledAt` goes public once the clock reaches it, and
   * keeps `scheduledAt`. The clock can jump, so this runs whenever the posts are read, not on a timer.
   */
  publishDue(): void {
    const now = this.now();
    for (const post of this.posts) {
      if (post.published || post.scheduledAt === undefined || Date.parse(post.scheduledAt) > now) continue;
      post.published = true;
      this.publishers.get(post.platform)?.(post);
    }
  }

  list(platform?: string): PublishedPost[] {
    this.publishDue();
    return this.posts.filter((post) => !platform || post.platform === platform);
  }

  find(platform: string, id: string): PublishedPost | undefined {
    this.publishDue();
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
