// Cache tag names, in one place: data readers tag with them, mutations revalidate them.
export const TAGS = {
  components: 'components',
  incidents: 'incidents',
  metrics: 'metrics',
} as const;

export type CacheTag = (typeof TAGS)[keyof typeof TAGS];
