using System.Globalization;
using System.Numerics;
using System.Text;

namespace NotebookNN.Interactive.Tensors;

/// <summary>
/// Python's <c>"{:.Nf}"</c> and <c>"{:.Ne}"</c> for doubles. Python rounds the exact binary value half-to-even
/// (0.125 -> "0.12"), while .NET's "F"/"E" formats round ties away from zero, so the digits are computed here
/// from the exact value with big-integer arithmetic.
/// </summary>
internal static class PythonFloatFormat
{
    /// <summary>Like Python's <c>format(value, ".{precision}f")</c>.</summary>
    public static string Fixed(double value, int precision)
    {
        if (NonFinite(value) is { } special) return special;
        var (mantissa, exponent) = Decompose(value);
        BigInteger digits = RoundHalfEven(mantissa * BigInteger.Pow(10, precision), exponent);
        string text = digits.ToString(CultureInfo.InvariantCulture).PadLeft(precision + 1, '0');
        var sb = new StringBuilder();
        if (double.IsNegative(value)) sb.Append('-');
        sb.Append(text, 0, text.Length - precision);
        if (precision > 0) sb.Append('.').Append(text, text.Length - precision, precision);
        return sb.ToString();
    }

    /// <summary>Like Python's <c>format(value, ".{precision}e")</c>: at least two exponent digits.</summary>
    public static string Scientific(double value, int precision)
    {
        if (NonFinite(value) is { } special) return special;
        string sign = double.IsNegative(value) ? "-" : "";
        if (value == 0)
            return sign + "0" + (precision > 0 ? "." + new string('0', precision) : "") + "e+00";
        var (mantissa, exponent) = Decompose(value);
        int power = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        BigInteger lower = BigInteger.Pow(10, precision), upper = lower * 10;
        BigInteger digits;
        // log10 can be off by one near powers of ten; the exact scaled value decides.
        while (true)
        {
            digits = ScaledRound(mantissa, exponent, precision - power);
            if (digits >= upper) power++;
            else if (digits < lower) power--;
            else break;
        }
        string text = digits.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(sign).Append(text[0]);
        if (precision > 0) sb.Append('.').Append(text, 1, precision);
        sb.Append(power < 0 ? "e-" : "e+").Append(Math.Abs(power).ToString("00", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>Python's <c>str()</c> of nan and infinities, or null for a finite value.</summary>
    static string? NonFinite(double value) =>
        double.IsNaN(value) ? "nan" : double.IsPositiveInfinity(value) ? "inf" : double.IsNegativeInfinity(value) ? "-inf" : null;

    /// <summary>|value| = mantissa * 2^exponent exactly.</summary>
    static (BigInteger Mantissa, int Exponent) Decompose(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        return rawExponent == 0
            ? (new BigInteger(fraction), -1074)
            : (new BigInteger(fraction | (1L << 52)), rawExponent - 1075);
    }

    /// <summary>round(mantissa * 2^exponent * 10^scale), ties to even.</summary>
    static BigInteger ScaledRound(BigInteger mantissa, int exponent, int scale) =>
        scale >= 0
            ? RoundHalfEven(mantissa * BigInteger.Pow(10, scale), exponent)
            : RoundHalfEven(mantissa, exponent, BigInteger.Pow(10, -scale));

    /// <summary>round(numerator * 2^exponent / divisor), ties to even.</summary>
    static BigInteger RoundHalfEven(BigInteger numerator, int exponent, BigInteger? divisor = null)
    {
        BigInteger den = divisor ?? BigInteger.One;
        if (exponent >= 0) numerator <<= exponent;
        else den <<= -exponent;
        BigInteger quotient = BigInteger.DivRem(numerator, den, out BigInteger remainder);
        int cmp = (remainder * 2).CompareTo(den);
        if (cmp > 0 || (cmp == 0 && !quotient.IsEven)) quotient += 1;
        return quotient;
    }
}
