/// <reference lib="dom" />
/** The page's one door to the server: the token from its own URL on every request. */

const token = new URLSearchParams(location.search).get("token") ?? "";

export function apiUrl(path: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams({ ...params, token });
  return `${path}?${q}`;
}

export interface ActionAnswer {
  ok: boolean;
  text: string;
}

/** POSTs an action and says how it went, in the command's own words. */
export async function post(path: string): Promise<ActionAnswer> {
  try {
    const res = await fetch(path, { method: "POST", headers: { authorization: `token ${token}` } });
    const body = (await res.json()) as { output?: string; error?: string };
    return { ok: res.ok, text: (body.error ?? body.output ?? "").trim() };
  } catch (err) {
    return { ok: false, text: `the dashboard did not answer: ${String(err)}` };
  }
}
