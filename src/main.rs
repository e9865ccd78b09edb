fn main() -> std::process::ExitCode {
    aipctl::main()
}
