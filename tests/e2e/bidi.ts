/**
 * Under load Firefox's WebDriver BiDi sometimes fails to build the answer of a script that did run ("right-hand
 * side of 'in' should be an object, got null"), and puppeteer gives up at the first such error. For reads, which are
 * safe to ask again, this asks again.
 */
export const BIDI_ANSWER_LOST = /right-hand side of 'in'/;

export async function askAgainOnLostAnswer<T>(read: () => Promise<T>, attempts = 5, pauseMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= attempts || !BIDI_ANSWER_LOST.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
