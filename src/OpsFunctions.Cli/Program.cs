using OpsFunctions.Cli;
using Spectre.Console;

return await OpsCommand.RunAsync(args, AnsiConsole.Console, Environment.GetEnvironmentVariable, CancellationToken.None);
