import { InputError } from "../../errors/index.js";
import type { ProviderChoice } from "../spec/types.js";
import { namespaceProvider } from "./namespace.js";
import { processProvider } from "./process.js";
import type { Provider, ProviderName } from "./provider.js";

/** In the order `auto` tries them: the namespace provider where it can run, else processes. */
export const PROVIDERS: readonly Provider[] = [namespaceProvider, processProvider];

export function providerByName(name: ProviderName): Provider {
  return name === "namespace" ? namespaceProvider : processProvider;
}

/**
 * The provider for a choice: `auto` picks the first usable one (like kind's
 * DetectNodeProvider); a named one that cannot run here is refused with why.
 */
export async function chooseProvider(choice: ProviderChoice): Promise<Provider> {
  if (choice !== "auto") {
    const provider = providerByName(choice);
    const info = await provider.info();
    if (!info.usable) {
      throw new InputError(
        `the ${choice} provider cannot run here: ${info.reason}`,
        undefined,
        `it needs ${info.needs.join(", ")}; provider: process works for any user`,
      );
    }
    return provider;
  }
  for (const provider of PROVIDERS) {
    if ((await provider.info()).usable) return provider;
  }
  return processProvider;
}
