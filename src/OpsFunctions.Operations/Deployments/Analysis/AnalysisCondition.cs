using System.Collections.Concurrent;
using System.Globalization;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>A condition that does not parse: what was wrong and where (1 for the first character).</summary>
public sealed class ConditionSyntaxException : FormatException
{
    public ConditionSyntaxException()
    {
    }

    public ConditionSyntaxException(string message)
        : base(message)
    {
    }

    public ConditionSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConditionSyntaxException(string message, int position)
        : base($"{message} at {position.ToString(CultureInfo.InvariantCulture)}")
    {
        Position = position;
    }

    /// <summary>Gets the 1-based position of the offending character (the length plus one at the end).</summary>
    public int Position { get; }
}

/// <summary>
/// A success or failure condition of an analysis template, parsed once: a tiny expression language, never evaluated
/// by a general-purpose interpreter.
/// </summary>
/// <remarks>
/// <para>Grammar, lowest precedence first: <c>||</c>/<c>or</c>; <c>&amp;&amp;</c>/<c>and</c>; <c>!</c>/<c>not</c> (applies
/// to the comparison after it); one comparison <c>&lt; &lt;= &gt; &gt;= == !=</c> (they do not chain); <c>+ -</c>;
/// <c>* /</c>; unary <c>-</c>; numbers (<c>0.05</c>, <c>.5</c>, <c>1e-3</c>), <c>result</c>, <c>baseline</c> (Argo's
/// <c>result[0]</c> is accepted as <c>result</c>) and parentheses. Words are case-sensitive.</para>
/// <para>A condition is a comparison, or comparisons joined by the logical operators; a bare number is not a
/// condition. Arithmetic follows IEEE 754: <c>x / 0</c> is ±∞ and <c>0 / 0</c> is NaN. A comparison with NaN on
/// either side is <em>undecided</em>; undecided propagates through <c>not</c>, and through <c>and</c>/<c>or</c>
/// unless the other side decides (<c>false and undecided</c> is false, <c>true or undecided</c> is true).
/// An undecided condition makes the measurement Inconclusive.</para>
/// </remarks>
public sealed class AnalysisCondition
{
    private const int CacheLimit = 512;
    private static readonly ConcurrentDictionary<string, AnalysisCondition> Cache = new(StringComparer.Ordinal);
    private readonly Node _root;

    private AnalysisCondition(string text, Node root, bool usesBaseline)
    {
        Text = text;
        _root = root;
        UsesBaseline = usesBaseline;
    }

    /// <summary>Gets the condition as written.</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether the condition reads <c>baseline</c>.</summary>
    public bool UsesBaseline { get; }

    /// <summary>Parses <paramref name="text"/>, from a bounded cache of conditions parsed before.</summary>
    /// <exception cref="ConditionSyntaxException">The condition does not parse; the message names the position.</exception>
    public static AnalysisCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Cache.TryGetValue(text, out var cached))
        {
            return cached;
        }

        var parser = new Parser(text);
        var condition = parser.ParseCondition();
        if (Cache.Count < CacheLimit)
        {
            Cache.TryAdd(text, condition);
        }

        return condition;
    }

    /// <summary>Parses <paramref name="text"/>; on bad syntax returns false and the error, such as <c>unexpected ')' at 12</c>.</summary>
    public static bool TryParse(string text, out AnalysisCondition? condition, out string? error)
    {
        try
        {
            condition = Parse(text);
            error = null;
            return true;
        }
        catch (ConditionSyntaxException exception)
        {
            condition = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>Evaluates the condition: true or false, or null when undecided (a comparison with NaN).</summary>
    /// <param name="result">The canary's value.</param>
    /// <param name="baseline">The stable version's value; NaN when the template does not compare.</param>
    public bool? Evaluate(double result, double baseline = double.NaN) => ((Logical)_root).Evaluate(result, baseline);

    public override string ToString() => Text;

    private abstract class Node(int position)
    {
        public int Position { get; } = position;
    }

    private abstract class Numeric(int position) : Node(position)
    {
        public abstract double Evaluate(double result, double baseline);
    }

    private abstract class Logical(int position) : Node(position)
    {
        public abstract bool? Evaluate(double result, double baseline);
    }

    private sealed class Constant(int position, double value) : Numeric(position)
    {
        public override double Evaluate(double result, double baseline) => value;
    }

    private sealed class Variable(int position, bool isBaseline) : Numeric(position)
    {
        public override double Evaluate(double result, double baseline) => isBaseline ? baseline : result;
    }

    private sealed class Negate(int position, Numeric operand) : Numeric(position)
    {
        public override double Evaluate(double result, double baseline) => -operand.Evaluate(result, baseline);
    }

    private sealed class Arithmetic(int position, char op, Numeric left, Numeric right) : Numeric(position)
    {
        public override double Evaluate(double result, double baseline)
        {
            var l = left.Evaluate(result, baseline);
            var r = right.Evaluate(result, baseline);
            return op switch
            {
                '+' => l + r,
                '-' => l - r,
                '*' => l * r,
                _ => l / r,
            };
        }
    }

    private sealed class Comparison(int position, string op, Numeric left, Numeric right) : Logical(position)
    {
        public override bool? Evaluate(double result, double baseline)
        {
            var l = left.Evaluate(result, baseline);
            var r = right.Evaluate(result, baseline);
            if (double.IsNaN(l) || double.IsNaN(r))
            {
                return null;
            }

            return op switch
            {
                "<" => l < r,
                "<=" => l <= r,
                ">" => l > r,
                ">=" => l >= r,
                "==" => l == r,
                _ => l != r,
            };
        }
    }

    private sealed class Not(int position, Logical operand) : Logical(position)
    {
        public override bool? Evaluate(double result, double baseline) => !operand.Evaluate(result, baseline);
    }

    private sealed class Junction(int position, bool isAnd, Logical left, Logical right) : Logical(position)
    {
        public override bool? Evaluate(double result, double baseline)
        {
            var l = left.Evaluate(result, baseline);
            var r = right.Evaluate(result, baseline);

            // Kleene's three-valued logic: a side that decides wins over an undecided one.
            return isAnd
                ? l == false || r == false ? false : l is null || r is null ? null : true
                : l == true || r == true ? true : l is null || r is null ? null : false;
        }
    }

    private enum TokenKind
    {
        End,
        Number,
        Word,
        Symbol,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position, double Value = 0);

    private sealed class Parser
    {
        private readonly string _text;
        private readonly List<Token> _tokens;
        private int _index;
        private bool _usesBaseline;

        public Parser(string text)
        {
            _text = text;
            _tokens = Tokenize(text);
        }

        private Token Current => _tokens[_index];

        public AnalysisCondition ParseCondition()
        {
            if (Current.Kind == TokenKind.End)
            {
                throw new ConditionSyntaxException("empty condition", 1);
            }

            var root = ParseOr();
            if (Current.Kind != TokenKind.End)
            {
                throw Unexpected(Current);
            }

            return new AnalysisCondition(_text, AsLogical(root, "a condition must compare, such as 'result > 0.05'"), _usesBaseline);
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (Current is { Text: "||" or "or" } op)
            {
                _index++;
                var right = ParseAnd();
                left = new Junction(op.Position, false, AsLogical(left, Needs(op)), AsLogical(right, Needs(op)));
            }

            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseNot();
            while (Current is { Text: "&&" or "and" } op)
            {
                _index++;
                var right = ParseNot();
                left = new Junction(op.Position, true, AsLogical(left, Needs(op)), AsLogical(right, Needs(op)));
            }

            return left;
        }

        private Node ParseNot()
        {
            if (Current is { Text: "!" or "not" } op)
            {
                _index++;
                var operand = ParseNot();
                return new Not(op.Position, AsLogical(operand, $"'{op.Text}' needs a comparison after it"));
            }

            return ParseComparison();
        }

        private Node ParseComparison()
        {
            var left = ParseAdditive();
            if (Current is { Kind: TokenKind.Symbol, Text: "<" or "<=" or ">" or ">=" or "==" or "!=" } op)
            {
                _index++;
                var right = ParseAdditive();
                var comparison = new Comparison(op.Position, op.Text, AsNumeric(left, NeedsNumbers(op)), AsNumeric(right, NeedsNumbers(op)));
                if (Current is { Kind: TokenKind.Symbol, Text: "<" or "<=" or ">" or ">=" or "==" or "!=" } chained)
                {
                    throw new ConditionSyntaxException($"comparisons do not chain: use 'and' before '{chained.Text}'", chained.Position);
                }

                return comparison;
            }

            return left;
        }

        private Node ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (Current is { Kind: TokenKind.Symbol, Text: "+" or "-" } op)
            {
                _index++;
                var right = ParseMultiplicative();
                left = new Arithmetic(op.Position, op.Text[0], AsNumeric(left, NeedsNumbers(op)), AsNumeric(right, NeedsNumbers(op)));
            }

            return left;
        }

        private Node ParseMultiplicative()
        {
            var left = ParseUnary();
            while (Current is { Kind: TokenKind.Symbol, Text: "*" or "/" } op)
            {
                _index++;
                var right = ParseUnary();
                left = new Arithmetic(op.Position, op.Text[0], AsNumeric(left, NeedsNumbers(op)), AsNumeric(right, NeedsNumbers(op)));
            }

            return left;
        }

        private Node ParseUnary()
        {
            if (Current is { Kind: TokenKind.Symbol, Text: "-" } op)
            {
                _index++;
                return new Negate(op.Position, AsNumeric(ParseUnary(), "'-' needs a number after it"));
            }

            return ParsePrimary();
        }

        private Node ParsePrimary()
        {
            var token = Current;
            switch (token)
            {
                case { Kind: TokenKind.Number }:
                    _index++;
                    return new Constant(token.Position, token.Value);
                case { Kind: TokenKind.Word, Text: "result" or "baseline" }:
                    _index++;
                    SkipArgoIndex();
                    _usesBaseline |= token.Text == "baseline";
                    return new Variable(token.Position, token.Text == "baseline");
                case { Kind: TokenKind.Symbol, Text: "(" }:
                    _index++;
                    var inner = ParseOr();
                    if (Current is not { Kind: TokenKind.Symbol, Text: ")" })
                    {
                        throw Current.Kind == TokenKind.End ? new ConditionSyntaxException("missing ')'", Current.Position) : Unexpected(Current);
                    }

                    _index++;
                    return inner;
                case { Kind: TokenKind.Word }:
                    throw new ConditionSyntaxException($"unknown name '{token.Text}' (use result, baseline, and, or, not)", token.Position);
                default:
                    throw Unexpected(token);
            }
        }

        /// <summary>Argo's conditions index the result vector: <c>result[0]</c> reads as <c>result</c>.</summary>
        private void SkipArgoIndex()
        {
            if (Current is not { Kind: TokenKind.Symbol, Text: "[" })
            {
                return;
            }

            _index++;
            if (Current is not { Kind: TokenKind.Number, Value: 0 })
            {
                throw new ConditionSyntaxException("only [0] may follow result or baseline (a measurement has one value)", Current.Position);
            }

            _index++;
            if (Current is not { Kind: TokenKind.Symbol, Text: "]" })
            {
                throw Unexpected(Current);
            }

            _index++;
        }

        private static string Needs(Token op) => $"'{op.Text}' needs comparisons on both sides";

        private static string NeedsNumbers(Token op) => $"'{op.Text}' needs numbers on both sides";

        private static Logical AsLogical(Node node, string message)
            => node as Logical ?? throw new ConditionSyntaxException(message, node.Position);

        private static Numeric AsNumeric(Node node, string message)
            => node as Numeric ?? throw new ConditionSyntaxException(message, node.Position);

        private static ConditionSyntaxException Unexpected(Token token) => token.Kind == TokenKind.End
            ? new ConditionSyntaxException("unexpected end of condition", token.Position)
            : new ConditionSyntaxException($"unexpected '{token.Text}'", token.Position);

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                var position = i + 1;
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                    {
                        i++;
                    }

                    if (i < text.Length && text[i] is 'e' or 'E')
                    {
                        var exponent = i + 1;
                        if (exponent < text.Length && text[exponent] is '+' or '-')
                        {
                            exponent++;
                        }

                        if (exponent < text.Length && char.IsAsciiDigit(text[exponent]))
                        {
                            i = exponent;
                            while (i < text.Length && char.IsAsciiDigit(text[i]))
                            {
                                i++;
                            }
                        }
                    }

                    var literal = text[start..i];
                    if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
                    {
                        throw new ConditionSyntaxException($"bad number '{literal}'", position);
                    }

                    tokens.Add(new Token(TokenKind.Number, literal, position, value));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    {
                        i++;
                    }

                    tokens.Add(new Token(TokenKind.Word, text[start..i], position));
                }
                else
                {
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                    if (two is "<=" or ">=" or "==" or "!=" or "&&" or "||")
                    {
                        tokens.Add(new Token(TokenKind.Symbol, two, position));
                        i += 2;
                    }
                    else if (c is '<' or '>' or '!' or '+' or '-' or '*' or '/' or '(' or ')' or '[' or ']')
                    {
                        tokens.Add(new Token(TokenKind.Symbol, c.ToString(), position));
                        i++;
                    }
                    else if (c is '=' or '&' or '|')
                    {
                        throw new ConditionSyntaxException($"unexpected '{c}' (did you mean '{c}{c}'?)", position);
                    }
                    else
                    {
                        throw new ConditionSyntaxException($"unexpected '{c}'", position);
                    }
                }
            }

            tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
            return tokens;
        }
    }
}
