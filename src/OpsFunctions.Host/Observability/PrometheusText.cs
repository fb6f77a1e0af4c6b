using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace OpsFunctions.Host.Observability;

/// <summary>
/// Collects the engine's and the host's instruments with a <see cref="MeterListener"/> and renders them in the
/// Prometheus text format (0.0.4): counters as <c>_total</c>, histograms as cumulative buckets, gauges as read at scrape.
/// </summary>
public sealed class PrometheusText : IDisposable
{
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();

    public PrometheusText(IEnumerable<Meter> meters)
    {
        var watched = meters.ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (watched.Contains(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var family in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
        {
            var instrument = family.Key;
            var name = MetricName(instrument);
            var type = instrument switch
            {
                Histogram<double> or Histogram<long> => "histogram",
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> => "counter",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (key, series) in family.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
            {
                series.Write(text, name, key.Labels, type);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        var series = _series.GetOrAdd((instrument, labels), static (key) => new Series(Buckets(key.Instrument)));
        series.Add(value, instrument is Counter<long> or Counter<int> or Counter<double> or Histogram<double> or Histogram<long>);
    }

    private static double[] Buckets(Instrument instrument)
        => instrument is Histogram<double> { Advice.HistogramBucketBoundaries: { } boundaries } ? [.. boundaries] : DefaultBuckets;

    private static string MetricName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_').Replace('-', '_');
        if (instrument.Unit == "s")
        {
            name += "_seconds";
        }

        return instrument is Counter<long> or Counter<int> or Counter<double> ? name + "_total" : name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            var value = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            pairs.Add($"{tag.Key}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    private sealed class Series(double[] boundaries)
    {
        private readonly long[] _bucketCounts = new long[boundaries.Length];
        private readonly Lock _gate = new();
        private double _sum;
        private long _count;
        private double _last;

        public void Add(double value, bool cumulative)
        {
            lock (_gate)
            {
                _last = value;
                _count++;
                _sum = cumulative ? _sum + value : value;
                for (var i = 0; i < boundaries.Length; i++)
                {
                    if (value <= boundaries[i])
                    {
                        _bucketCounts[i]++;
                    }
                }
            }
        }

        public void Write(StringBuilder text, string name, string labels, string type)
        {
            lock (_gate)
            {
                if (type != "histogram")
                {
                    Line(text, name, labels, type == "counter" ? _sum : _last);
                    return;
                }

                for (var i = 0; i < boundaries.Length; i++)
                {
                    Line(text, name + "_bucket", Join(labels, $"le=\"{boundaries[i].ToString(CultureInfo.InvariantCulture)}\""), _bucketCounts[i]);
                }

                Line(text, name + "_bucket", Join(labels, "le=\"+Inf\""), _count);
                Line(text, name + "_sum", labels, _sum);
                Line(text, name + "_count", labels, _count);
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : $"{labels},{extra}";

        private static void Line(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
