using BenchmarkDotNet.Running;

// Every benchmark class in this assembly, e.g.:
//   dotnet run -c Release --project perf/XMail.Fast.Benchmarks -- --filter '*TabIndex*' --job short
//   dotnet run -c Release --project perf/XMail.Fast.Benchmarks -- --list flat
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
