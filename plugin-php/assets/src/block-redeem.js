/**
 * "Use your points" under the cart and checkout blocks' order summary.
 *
 * Reads the shopper's points and rewards from the Store API cart
 * (extensions.vafa) and redeems through extensionCartUpdate (namespace
 * "vafa"): the server redeems at the Vafa service and applies the code as a
 * coupon in the same request, so the block shows the new totals at once.
 * Built with @wordpress/scripts (npm run build in plugin-php/); the built
 * file and its dependency list are committed in assets/build/.
 */
import { useState } from '@wordpress/element';
import { registerPlugin } from '@wordpress/plugins';
import { __, sprintf } from '@wordpress/i18n';
import { ExperimentalOrderMeta, extensionCartUpdate } from '@woocommerce/blocks-checkout';

const token = () => Math.random().toString( 36 ).slice( 2 ) + Date.now().toString( 36 );

const Redeem = ( { cart } ) => {
	const vafa = ( cart && cart.extensions && cart.extensions.vafa ) || {};
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( '' );
	if ( ! vafa.logged_in ) {
		return <div className="vafa vafa-redeem vafa-login">{ __( 'Log in to use your points.', 'vafa' ) }</div>;
	}
	const rewards = ( vafa.rewards || [] ).filter( ( r ) => r.affordable && r.kind !== 'points_discount' );
	if ( ! rewards.length ) {
		return null;
	}
	const redeem = ( id ) => {
		setBusy( true );
		setError( '' );
		extensionCartUpdate( { namespace: 'vafa', data: { reward_id: id, token: token() } } )
			.catch( ( e ) => setError( ( e && e.message ) || __( 'Rewards are temporarily unavailable.', 'vafa' ) ) )
			.finally( () => setBusy( false ) );
	};
	return (
		<div className="vafa vafa-redeem">
			<p className="vafa-available">
				{ /* translators: %s: number of points */ sprintf( __( 'You have %s points.', 'vafa' ), String( vafa.available ) ) }
			</p>
			{ rewards.map( ( r ) => (
				<button key={ r.id } type="button" className="wc-block-components-button vafa-redeem-button" disabled={ busy } onClick={ () => redeem( r.id ) }>
					{ /* translators: 1: reward name, 2: points */ sprintf( __( 'Redeem %1$s (%2$s points)', 'vafa' ), r.name, String( r.points_cost ) ) }
				</button>
			) ) }
			{ error ? <p className="vafa-error" role="alert">{ error }</p> : null }
		</div>
	);
};

registerPlugin( 'vafa-redeem', {
	// The slot passes cart, extensions and context to its children.
	render: () => (
		<ExperimentalOrderMeta>
			<Redeem />
		</ExperimentalOrderMeta>
	),
	scope: 'woocommerce-checkout',
} );
