namespace XMail.Fast.Server;

/// <summary>`XMail --health ip:port`: exit 0 when the running server's /health answers 200 (container HEALTHCHECK; the runtime image has no curl).</summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string endpoint)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            using var response = await http.GetAsync($"http://{endpoint}/health").ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"XMail: health check failed: {ex.Message}");
            return 1;
        }
    }
}
