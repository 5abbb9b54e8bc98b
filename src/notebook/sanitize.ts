/**
 * HTML from a notebook made safe to show: DOMPurify (on a jsdom window) removes what runs script.
 *
 * JupyterLab sanitizes markdown and untrusted HTML output before it reaches the page; an exported
 * page does the same so that opening it is as safe as opening the notebook in JupyterLab.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { JSDOM } from 'jsdom';

let purifier: { purify: DOMPurify; window: JSDOM['window'] } | undefined;

function instance(): { purify: DOMPurify; window: JSDOM['window'] } {
  if (purifier === undefined) {
    const { window } = new JSDOM('');
    const purify = createDOMPurify(window);
    // DOMPurify drops any id that is also a `document` property ("title", "images", "links") to stop
    // DOM clobbering, but a heading's id is not a named property of `document`, so a heading anchor
    // made of slug characters stays (JupyterLab adds its anchors after sanitizing, to the same effect).
    purify.addHook('uponSanitizeAttribute', (node, data) => {
      if (data.attrName === 'id' && /^H[1-6]$/.test(node.nodeName) && /^[\p{L}\p{N}\p{M}_-]+$/u.test(data.attrValue)) data.forceKeepAttr = true;
    });
    purifier = { purify, window };
  }
  return purifier;
}

/**
 * Removes from an HTML fragment everything that can run script: `<script>`, `<iframe>`,
 * `<object>`, event handler attributes (`onerror=`, `onload=`, ...), `javascript:` and other
 * non-allowlisted URLs. Keeps what a notebook's markdown and tables need: headings with their ids
 * and anchor links, tables, lists, images (also `data:` images), `class` names (highlighted code,
 * ANSI colours), inline styles, SVG and MathML. DOMPurify's default allowlist, unchanged.
 *
 * PyTorch: none (JupyterLab's `Sanitizer`, which is sanitize-html with JupyterLab's allowlist).
 *
 * @example
 * sanitizeHtml('<img src=x onerror="alert(1)"><b>ok</b>') // '<img src="x"><b>ok</b>'
 */
export function sanitizeHtml(html: string): string {
  return sanitizeHtmlCounting(html).html;
}

/**
 * {@link sanitizeHtml}, also saying how many elements and attributes it removed (0 when the HTML
 * was already safe, even if its serialisation changed).
 *
 * PyTorch: none.
 */
export function sanitizeHtmlCounting(html: string): { html: string; removed: number } {
  const { purify } = instance();
  const safe = purify.sanitize(html);
  return { html: safe, removed: purify.removed.length };
}

/**
 * The text of an HTML fragment as a browser would show it: tags dropped, every character
 * reference decoded (`&amp;`, `&#39;`, `&nbsp;`, ...), script and style contents left out.
 *
 * PyTorch: none.
 *
 * @example
 * htmlToText('<code>x &lt; 1</code> &amp; more') // 'x < 1 & more'
 */
export function htmlToText(html: string): string {
  const template = instance().window.document.createElement('template');
  template.innerHTML = sanitizeHtml(html);
  return template.content.textContent ?? '';
}
