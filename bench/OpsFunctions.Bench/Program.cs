using OpsFunctions.Bench;

// Prints progress on stderr and one RESULT line, last, on stdout.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

try
{
    var fields = await Workloads.RunAsync(options);
    Console.WriteLine($"RESULT workload={options.Workload} store={options.Store} engine={options.Engine} {fields}");
    return 0;
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}
