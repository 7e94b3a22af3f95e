import { describe, expect, it } from "vitest";
import {
  lock,
  newSemaphore,
  parseSemaphore,
  type Semaphore,
  SemaphoreError,
  serializeSemaphore,
  setMax,
  unlock,
} from "../../../src/update/locksmith/index.js";

const sem = (semaphore: number, max: number, holders: string[] | null): Semaphore => ({
  semaphore,
  max,
  holders,
});

describe("locksmith's semaphore rules", () => {
  it.each([
    ["first holder", sem(1, 1, null), "b", sem(0, 1, ["b"])],
    ["kept sorted (front)", sem(2, 3, ["b"]), "a", sem(1, 3, ["a", "b"])],
    ["kept sorted (middle)", sem(1, 3, ["a", "c"]), "b", sem(0, 3, ["a", "b", "c"])],
    ["kept sorted (end)", sem(2, 3, ["a"]), "z", sem(1, 3, ["a", "z"])],
  ])("lock: %s", (_name, before, id, after) => {
    expect(lock(before, id)).toEqual(after);
  });

  it.each([
    ["no slot left", sem(0, 1, ["a"]), "b", "full", "semaphore is at 0"],
    ["max lowered below holders", sem(-1, 1, ["a", "b"]), "c", "full", "semaphore is at -1"],
    ["already a holder", sem(1, 2, ["a"]), "a", "holder-exists", "holder exists"],
  ])("lock refused: %s", (_name, before, id, refusal, message) => {
    const err = catchError(() => lock(before, id));
    expect(err).toBeInstanceOf(SemaphoreError);
    expect(err).toMatchObject({ refusal, message });
  });

  it.each([
    ["only holder", sem(0, 1, ["a"]), "a", sem(1, 1, [])],
    ["one of several", sem(-1, 1, ["a", "b"]), "a", sem(0, 1, ["b"])],
  ])("unlock: %s", (_name, before, id, after) => {
    expect(unlock(before, id)).toEqual(after);
  });

  it.each([
    ["never held", sem(1, 1, null), "a"],
    ["someone else holds it", sem(0, 1, ["b"]), "a"],
  ])("unlock refused: %s", (_name, before, id) => {
    expect(catchError(() => unlock(before, id))).toMatchObject({
      refusal: "holder-missing",
      message: "holder does not exist",
    });
  });

  it.each([
    ["raise with no holders", sem(1, 1, null), 3, sem(3, 3, null)],
    ["raise with a holder", sem(0, 1, ["a"]), 2, sem(1, 2, ["a"])],
    [
      "below the holders: free goes negative",
      sem(0, 3, ["a", "b", "c"]),
      1,
      sem(-2, 1, ["a", "b", "c"]),
    ],
    ["to zero", sem(1, 1, null), 0, sem(0, 0, null)],
    ["negative, as Atoi lets through", sem(1, 1, null), -1, sem(-1, -1, null)],
  ])("setMax: %s", (_name, before, max, after) => {
    expect(setMax(before, max)).toEqual(after);
  });

  it("serializes in locksmith's field order, null holders on a fresh key", () => {
    expect(serializeSemaphore(newSemaphore())).toBe('{"semaphore":1,"max":1,"holders":null}');
    expect(serializeSemaphore(sem(0, 2, ["a", "b"]))).toBe(
      '{"semaphore":0,"max":2,"holders":["a","b"]}',
    );
  });

  it.each([
    ['{"semaphore":0,"max":1,"holders":["a"]}', sem(0, 1, ["a"])],
    ['{"max":2}', sem(0, 2, null)],
    ['{"semaphore":1,"max":1,"holders":[]}', sem(1, 1, [])],
  ])("parses %s", (text, expected) => {
    expect(parseSemaphore(text, "k")).toEqual(expected);
  });

  it.each([
    ["not json", "k: not JSON"],
    ["[1]", "k: expected an object"],
    ['{"semaphore":"1"}', 'k: "semaphore" must be a whole number'],
    ['{"max":1.5}', 'k: "max" must be a whole number'],
    ['{"holders":[1]}', 'k: "holders" must be a list'],
  ])("refuses %s", (text, message) => {
    expect(() => parseSemaphore(text, "k")).toThrow(message);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a refusal");
}
