// The part of @vercel/ncc's API the bench uses (the package ships no types).
declare module '@vercel/ncc' {
  interface NccOptions {
    minify?: boolean;
    mainFields?: string[];
    target?: string;
    quiet?: boolean;
  }
  export default function ncc(entry: string, options?: NccOptions): Promise<{ code: string; assets: Record<string, { source: string | Buffer }> }>;
}
