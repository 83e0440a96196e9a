// Draw every <pre class="mermaid"> of the page as SVG, with mermaid.min.js served by the site.
// "strict": diagram text cannot run scripts or load anything.
mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
window.addEventListener("DOMContentLoaded", () => mermaid.run({ querySelector: "pre.mermaid" }));
