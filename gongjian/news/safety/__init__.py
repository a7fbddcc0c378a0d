"""The content-safety scan (SECURITY.md item 13): everything the public can see is scanned.

A public page defaced with "77779193永利官网" stayed live for months. The scan normalises a
text first, keeping where every character came from, then looks for:

- advertising terms (gambling, pornography, fraud) from the admin-maintained term list;
- SEO injections: a run of five or more digits followed by a casino brand or by 官网, 娱乐,
  平台 and the like, and a brand followed by such a word ("永利官网");
- in HTML, content hidden by CSS (display:none, font-size:0, off-screen positioning, …);
- links to domains that are not on the alliance's allowlist.

Findings inside an allowed phrase (永利路, 金沙滩社区, 澳门大学) are dropped. Each finding
carries its span in the *original* input, so a page can point at it.

Normalisation maps the text to a string of (nearly always) the same length with
``str.translate``: NFKC (full-width → half-width), lower case, traditional → simplified
(OpenCC's character table), invisible characters (zero-width, soft hyphen, marks) to one
marker, symbols and non-ASCII punctuation to another, and clause punctuation (。，、“”…),
line breaks and block-level tags to a third that no match may cross. Terms are compiled
into one regular expression (a trie) that skips the first two kinds of marker and ASCII
spaces and punctuation between their characters, so "永 利 官 网", "永-利.官网" and
"永\\u200b利" match, while "丰富多彩，金山" does not produce 彩金.

The modules, each one job: ``chars`` (the character table), ``offsets`` (the way back to the
input), ``markup`` (HTML tags and what CSS hides), ``normalise``, ``detect`` (the Scanner),
``verdicts`` (Finding, Verdict) and ``publishing`` (what models and public views call).
"""
