package org.hmmlab.dsl.results;

import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import org.hmmlab.units.Bytes;

/** Axis ticks for sizes in bytes, written in binary units: {@code 64 KiB}, {@code 2 MiB}. */
final class BytesFormat extends NumberFormat {

    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
        return format(Math.round(number), toAppendTo, pos);
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
        return toAppendTo.append(number < 0 ? Long.toString(number) : new Bytes(number).toString());
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
        throw new UnsupportedOperationException("axis labels are not parsed");
    }
}
