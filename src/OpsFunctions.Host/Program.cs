using OpsFunctions.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddOpsFunctions();

var app = builder.Build();
app.MapOpsFunctions();
await app.RunAsync();

/// <summary>The host's entry point, visible to tests.</summary>
public partial class Program;
