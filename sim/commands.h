/*
 * commands — the subcommands of the `sharesim` program. Each takes the arguments after its
 * own name (argv[0] is the subcommand), prints what the user sees, and returns the process
 * exit status: 0 success, 1 a failure of the input or the run, 2 a usage error.
 */
#ifndef SHARESIM_COMMANDS_H
#define SHARESIM_COMMANDS_H

int cmd_import(int argc, char **argv); /* sim/cmd_trace.c */
int cmd_info(int argc, char **argv);   /* sim/cmd_trace.c */
int cmd_synth(int argc, char **argv);  /* sim/cmd_trace.c */
int cmd_export(int argc, char **argv); /* sim/cmd_trace.c */
int cmd_run(int argc, char **argv);    /* sim/cmd_run.c */
int cmd_report(int argc, char **argv); /* sim/cmd_results.c */
int cmd_plot(int argc, char **argv);   /* sim/cmd_results.c */
int cmd_zone(int argc, char **argv);   /* sim/cmd_zone.c */
int cmd_merge(int argc, char **argv);  /* sim/cmd_results.c */

#endif
