package dev.attn4j.props;

/** Where a view sits in its array: an offset and how much the leading dimension exceeds the row length. */
record Layout(int off, int ldExtra) {
    static final Layout DENSE = new Layout(0, 0);

    int ld(int cols) {
        return cols + ldExtra;
    }

    @Override
    public String toString() {
        return off == 0 && ldExtra == 0 ? "dense" : "off " + off + " ld+" + ldExtra;
    }
}
