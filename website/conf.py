"""Sphinx configuration of the course site, shared by the English and the Japanese build.

website/build.py runs Sphinx once per language over the trees website/stage.py lays out, with
`-D language=en|ja`; the mermaid.min.js it unpacks from the npm package lies in the directory
named by CONOHA_LEARN_SITE_ASSETS. Nothing here may load from the network: the theme bundles its
CSS, scripts and icon font, and widget JavaScript (which MyST-NB takes from a CDN) is off.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

project = "conoha-learn"
author = "conoha-learn"
language = "en"  # replaced by -D language=ja for the Japanese build
extensions = ["myst_nb", "site_ext", "ja_paragraphs"]
root_doc = "index"
exclude_patterns = ["site.json"]

# The outputs are the ones committed in git (replayed from cassettes): no kernel runs here.
nb_execution_mode = "off"
# Live widgets need ipywidgets' JavaScript from a CDN; the page shows their text form instead.
nb_ipywidgets_js = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None),
                              ("html", "application/vnd.jupyter.widget-state+json", None)]
myst_fence_as_directive = ["mermaid"]
myst_enable_extensions = ["colon_fence", "tasklist", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = "conoha-learn"
html_static_path = [str(HERE / "_static"), os.environ.get("CONOHA_LEARN_SITE_ASSETS", str(HERE / "_static"))]
templates_path = [str(HERE / "_templates")]
html_css_files = ["site.css"]
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_last_updated_fmt = None
# Light or dark as the reader's system says (an unset mode makes the theme log an error).
html_context = {"default_mode": "auto"}
