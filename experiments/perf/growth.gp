# Cost growth of a run (experiments/perf/run): CPU time against trace length, and against
# the number of share receptions as resolvers are added. Straight lines on log-log axes with
# slope 1 are linear growth; the dashed line is proportional to the first point.
# gnuplot -e "out='...'; length='...tsv'; nodes='...tsv'" growth.gp
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo enhanced size 1100,450 font "sans,11"; set output out.".png" }
	else { set terminal svg enhanced size 1100,450 font "sans,11"; set output out.".svg" }
	set multiplot layout 1,2
	set logscale xy
	set grid
	set format x "10^{%L}"
	set key top left
	stats length using 1:2 nooutput prefix "L"
	first_q = L_min_x
	stats length using ($1 == first_q ? $2 : 1/0) nooutput prefix "LF"
	set title "16 resolvers, no sharing: CPU time against trace length"
	set xlabel "queries in the trace"
	set ylabel "CPU seconds"
	plot length using 1:2 with linespoints lw 2 pt 7 lc rgb "#0072B2" title "sharesim", \
	     length using 1:($1 / first_q * LF_max) with lines dt 2 lc rgb "#555555" title "linear"
	stats nodes using 2:3 nooutput prefix "N"
	first_r = N_min_x
	stats nodes using ($2 == first_r ? $3 : 1/0) nooutput prefix "NF"
	set title "unicast sharing: CPU time against share receptions"
	set xlabel "share receptions (10, 100, 1,000 resolvers)"
	set ylabel "CPU seconds"
	plot nodes using 2:3 with linespoints lw 2 pt 5 lc rgb "#D55E00" title "sharesim", \
	     nodes using 2:($2 / first_r * NF_max) with lines dt 2 lc rgb "#555555" title "proportional"
	unset multiplot
	unset output
}
