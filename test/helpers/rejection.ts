/** The rejection of `p`; fails the test if it resolves. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject, but it resolved');
}
