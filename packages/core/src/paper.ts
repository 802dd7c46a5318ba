/** A paper a package implements, as cited in its README and reports. */
export interface PaperRef {
  title: string;
  /** arXiv identifier, e.g. "2202.02643". */
  arxiv: string;
}
