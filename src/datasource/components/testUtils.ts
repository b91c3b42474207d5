/**
 * Test helpers (imported by *.test.tsx only). jsdom has no layout and no canvas, while the Combobox measures its
 * text on a canvas, virtualises its menu by the element's client size, and watches its scroll container with an
 * IntersectionObserver: all three are faked for the tests of editors that hold one.
 */
class FakeIntersectionObserver {
  readonly root = null;
  readonly rootMargin = '';
  readonly thresholds = [];
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}

export function fakeComboboxLayout() {
  const spies: jest.SpyInstance[] = [];
  const hadIntersectionObserver = 'IntersectionObserver' in window;
  beforeAll(() => {
    spies.push(jest.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(400));
    spies.push(jest.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(400));
    const context = { font: '', measureText: (text: string) => ({ width: text.length * 8 }) };
    spies.push(
      jest
        .spyOn(HTMLCanvasElement.prototype, 'getContext')
        .mockReturnValue(context as unknown as CanvasRenderingContext2D)
    );
    if (!hadIntersectionObserver) {
      Object.defineProperty(window, 'IntersectionObserver', { configurable: true, value: FakeIntersectionObserver });
    }
  });
  afterAll(() => {
    spies.forEach((spy) => spy.mockRestore());
    if (!hadIntersectionObserver) {
      delete (window as Partial<typeof window>).IntersectionObserver;
    }
  });
}
