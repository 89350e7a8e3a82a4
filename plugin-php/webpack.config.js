// @wordpress/scripts' webpack config, with WooCommerce's dependency
// extraction so @woocommerce/* imports become the wc.* globals (and their
// script handles in block-redeem.asset.php), as @wordpress/* become wp.*.
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );
const WooCommerceDependencyExtractionWebpackPlugin = require( '@woocommerce/dependency-extraction-webpack-plugin' );
const path = require( 'path' );

module.exports = {
	...defaultConfig,
	entry: { 'block-redeem': './assets/src/block-redeem.js', 'referral-landing': './assets/src/referral-landing.js', dashboard: './assets/src/dashboard.js' },
	output: { ...defaultConfig.output, path: path.resolve( __dirname, 'assets/build' ) },
	plugins: [
		...defaultConfig.plugins.filter( ( p ) => p.constructor.name !== 'DependencyExtractionWebpackPlugin' ),
		new WooCommerceDependencyExtractionWebpackPlugin(),
	],
};
